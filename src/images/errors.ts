/** An images-stage failure; the message names the image key and says what to do. */
export class ImagesError extends Error {
  constructor(
    readonly imageKey: string,
    detail: string,
  ) {
    super(`image "${imageKey}": ${detail}`);
    this.name = 'ImagesError';
  }
}
