/** action.yml's inputs as JSON text, the content of src/runtime/action-inputs.json. */
export function actionInputsJson(actionYml: string): string;
