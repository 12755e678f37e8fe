/** workflows/*.yml as JSON text (file name → content), the content of src/pipeline/starter-workflows.json. */
export function starterWorkflowsJson(workflowsDir: string): string;
