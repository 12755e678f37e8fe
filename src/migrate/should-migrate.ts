export interface MigrationDecision {
  migrate: boolean;
  detail: string;
}

/**
 * Migrate when the migration container's image changes with this release (so a
 * re-run after a failed migration, whose service still runs the old image,
 * migrates again), or always when configured.
 */
export function shouldMigrate(input: {
  service: string;
  container: string;
  /** The image the service's container runs now. */
  currentImage: string | undefined;
  /** The image of the same container in the release's task definition. */
  newImage: string | undefined;
  always: boolean;
}): MigrationDecision {
  const where = `container ${input.container} of service ${input.service}`;
  if (input.currentImage !== input.newImage) {
    return { migrate: true, detail: `${where} changes image to ${input.newImage ?? '(none)'}` };
  }
  if (input.always) {
    return { migrate: true, detail: `${where} keeps its image, but migration-always is set` };
  }
  return {
    migrate: false,
    detail: `skipped: ${where} keeps image ${input.currentImage ?? '(none)'}, so there is nothing new to migrate (set migration-always to run it anyway)`,
  };
}
