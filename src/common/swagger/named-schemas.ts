import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * Schemas that are not DTO classes (the policy rule grammar, list envelopes, the problem body)
 * are declared once where they belong and registered here under their name; the OpenAPI
 * document lists them in `components.schemas`, so a generated client gets one named type each.
 */
const registered = new Map<string, SchemaObject>();

export function namedSchema(name: string, schema: SchemaObject): ReferenceObject {
  const earlier = registered.get(name);
  if (earlier && JSON.stringify(earlier) !== JSON.stringify(schema)) {
    throw new Error(`Two different OpenAPI schemas are named ${name}`);
  }
  registered.set(name, schema);
  return schemaRef(name);
}

export function schemaRef(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}

export function namedSchemas(): Record<string, SchemaObject> {
  return Object.fromEntries(registered);
}
