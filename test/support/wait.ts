// The demo campaign waits the same way (local/demo/wait.ts); the tests share its helpers.
export { sleep, waitFor } from '../../local/demo/wait.ts';
