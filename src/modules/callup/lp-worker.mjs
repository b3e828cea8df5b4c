// Solves one LP with HiGHS off the main thread. Plain JavaScript so it runs in a worker without a TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import loadHighs from 'highs';

const highs = await loadHighs();
const model = highs.createModel(workerData.model);
try {
  model.options.set({ output_flag: false, ...(workerData.options ?? {}) });
  model.run();
  const status = model.getModelStatus();
  const optimal = status === highs.constants.modelStatus.optimal;
  parentPort.postMessage({
    status,
    optimal,
    objective: optimal ? model.getObjectiveValue() : null,
    colValue: optimal ? model.getSolution().colValue : null,
  });
} finally {
  model.dispose();
}
