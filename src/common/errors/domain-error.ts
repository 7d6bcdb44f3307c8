/** A field-level validation failure, as carried in a problem's `errors` array. */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemKind {
  status: number;
  title: string;
}

/**
 * An expected, typed failure of a use case. Each module declares its codes once with
 * `defineErrors`; the global filter turns any DomainError into an RFC 9457 problem.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    super(detail ?? kind.title);
    this.name = 'DomainError';
  }

  get status(): number {
    return this.kind.status;
  }
}

export interface ErrorFactory extends ProblemKind {
  readonly code: string;
  (detail?: string, extras?: DomainError['extras']): DomainError;
}

/**
 * Declares a module's problem codes once. The result maps each code to a factory:
 * `throw UserErrors.USER_NOT_FOUND(\`User ${id} does not exist\`)`. The factories also carry
 * `code`, `status` and `title`, which the Swagger decorators use to document them.
 */
export function defineErrors<C extends string>(catalog: Record<C, ProblemKind>): Record<C, ErrorFactory> {
  const factories = {} as Record<C, ErrorFactory>;
  for (const code of Object.keys(catalog) as C[]) {
    const kind = catalog[code];
    const factory = ((detail?: string, extras?: DomainError['extras']) =>
      new DomainError(code, kind, detail, extras)) as ErrorFactory;
    Object.defineProperties(factory, {
      code: { value: code },
      status: { value: kind.status },
      title: { value: kind.title },
    });
    factories[code] = factory;
  }
  return factories;
}

export function problemTypeUri(code: string): string {
  return `https://spendin.dev/errors/${code.toLowerCase().replace(/_/g, '-')}`;
}
