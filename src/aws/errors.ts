/** An error as the log shows it: `Name: message`, or only the message for a plain Error. */
export function errorText(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/**
 * An error with its name always shown (`Error: message` too): the rolling watch and the
 * migration task print errors this way, where the kind of failure matters more than brevity.
 */
export function namedErrorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
