/** Bump the minor version whenever a model change can move any result. Shown with every result. */
export const ENGINE_NAME = 'ringlab-engine';
export const ENGINE_VERSION = '0.11.0';
export const ENGINE_ID = `${ENGINE_NAME}@${ENGINE_VERSION}`;
