import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer } from './error-handler.ts';
import { createLogger } from '../log.ts';

/** A validation failure as fastify hands it to the error handler, with TypeBox's violations. */
function validationError(validation: unknown[]): FastifyError {
  return Object.assign(new Error('validation'), { validation, validationContext: 'body', statusCode: 400 }) as unknown as FastifyError;
}

describe('errorAnswer on schema violations', () => {
  const answer = (validation: unknown[]) => errorAnswer(validationError(validation), {} as FastifyRequest, {} as FastifyReply, createLogger('silent'));

  it('lists the allowed values of a union of literals, as it does for an enum', () => {
    // TypeBox's violations for format: "xml" against Type.Union([Type.Literal('json'), Type.Literal('csv')]).
    const { status, body } = answer([
      { keyword: 'const', schemaPath: '#/properties/format/anyOf/0', instancePath: '/format', params: { allowedValue: 'json' }, message: 'must be equal to constant' },
      { keyword: 'const', schemaPath: '#/properties/format/anyOf/1', instancePath: '/format', params: { allowedValue: 'csv' }, message: 'must be equal to constant' },
      { keyword: 'anyOf', schemaPath: '#/properties/format', instancePath: '/format', params: {}, message: 'must match a schema in anyOf' },
    ]);
    assert.equal(status, 400);
    assert.deepEqual(body, { code: 'invalid_input', message: 'body format must be one of json, csv', field: 'format' });
  });

  it('still names an enum\'s values and other problems as before', () => {
    const enumAnswer = answer([{ keyword: 'enum', schemaPath: '#/properties/channel', instancePath: '/quotation/channel', params: { allowedValues: ['web', 'agent'] }, message: 'must be equal to one of the allowed values' }]);
    assert.equal(enumAnswer.body.message, 'body quotation.channel must be one of web, agent');
    const minimum = answer([{ keyword: 'minimum', schemaPath: '#/properties/maxRows', instancePath: '/maxRows', params: { limit: 1 }, message: 'must be >= 1' }]);
    assert.equal(minimum.body.message, 'body maxRows must be >= 1');
  });
});
