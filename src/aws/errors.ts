/** An error as the log shows it: `Name: message`, or only the message for a plain Error. */
export function errorText(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
