import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClaudeProtocol } from '../../../src/core/sessions/protocols/claudeProtocol';
import { encodeJsonLine, JsonLineDecoder } from '../../../src/core/sessions/protocols/jsonLines';
import { LineProtocol } from '../../../src/core/sessions/protocols/lineProtocol';
import { PiProtocol } from '../../../src/core/sessions/protocols/piProtocol';
import { targetNamed } from '../../helpers/untrusted/allTargets';
import { anyText, chunked, protocolStream } from '../../helpers/untrusted/arbitraries';
import { assertInvariants, UNIT_RUNS } from '../../helpers/untrusted/parserTarget';
import { claudeEvent, decodeAll, lineOptions, piEvent } from '../../helpers/untrusted/protocolTargets';

describe('properties: agent protocol lines', () => {
  for (const name of ['claude protocol lines', 'pi protocol lines', 'line protocol output', 'JSON lines framing']) {
    it(`${name}: never throw on any bytes, and every event is a well-formed, bounded AgentEvent`, () => {
      assertInvariants(targetNamed(name));
    });
  }

  it('decode the same events however the pipe cuts the stream', () => {
    const protocols = [
      { stream: protocolStream(claudeEvent), create: () => new ClaudeProtocol() },
      { stream: protocolStream(piEvent), create: () => new PiProtocol(undefined) },
      { stream: fc.uint8Array({ maxLength: 200 }), create: () => new LineProtocol({ endMarker: '>>>', idleGapMs: 1 }) },
    ];
    for (const { stream, create } of protocols) {
      fc.assert(
        fc.property(chunked(stream), (chunks) => {
          assert.deepEqual(decodeAll(create(), chunks), decodeAll(create(), [Buffer.concat(chunks)]));
        }),
        { numRuns: UNIT_RUNS / 4 },
      );
    }
  });

  it('JSON lines: every encoded value decodes back to itself, one line each', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }), fc.nat(), (values, cut) => {
        const bytes = Buffer.from(values.map((value) => encodeJsonLine(value)).join(''));
        const at = bytes.length === 0 ? 0 : cut % bytes.length;
        const decoder = new JsonLineDecoder();
        const lines = [...decoder.push(bytes.subarray(0, at)), ...decoder.push(bytes.subarray(at)), ...decoder.end()];
        assert.deepEqual(
          lines.map((line) => (line.ok ? line.value : line.reason)),
          values.map((value) => JSON.parse(JSON.stringify(value))),
        );
      }),
      { numRuns: UNIT_RUNS },
    );
  });

  it('line protocol: without a marker the reply is exactly the text printed, and a prompt is one line', () => {
    fc.assert(
      fc.property(chunked(fc.uint8Array({ maxLength: 200 })), lineOptions, (chunks, options) => {
        const events = decodeAll(new LineProtocol({ ...options, endMarker: undefined }), chunks);
        const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
        assert.equal(text, Buffer.concat(chunks).toString('utf8'));
      }),
      { numRuns: UNIT_RUNS },
    );
    fc.assert(
      fc.property(anyText, (prompt) => {
        const line = new LineProtocol({ endMarker: undefined, idleGapMs: 1 }).encodePrompt(prompt);
        assert.equal(line.indexOf('\n'), line.length - 1);
      }),
      { numRuns: UNIT_RUNS },
    );
  });
});
