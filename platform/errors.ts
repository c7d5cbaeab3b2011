/**
 * Errors are values with a code, the field at fault (when there is one) and a message a person can act on.
 * The CLI turns a UsageError into exit code 2; the API turns an InputError into HTTP 400 with a JSON body.
 */
export class SpiritError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): { code: string; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Bad input from a person or a caller: a wrong argument, a malformed field, an unknown id. */
export class InputError extends SpiritError {
  constructor(message: string, field?: string, code = 'invalid_input') {
    super(code, message, field);
  }
}

/** Bad command-line usage: the CLI prints the message and the command's help hint, then exits 2. */
export class UsageError extends InputError {
  constructor(message: string, field?: string) {
    super(message, field, 'usage');
  }
}

/** Something that exists in the world was asked for and is not there (unknown itinerary, no champion model…). */
export class NotFoundError extends SpiritError {
  constructor(message: string, field?: string) {
    super('not_found', message, field);
  }
}
