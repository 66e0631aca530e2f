// SPDX-License-Identifier: Apache-2.0
/**
 * The tutorial's second program: the same training as bias.ts, then the
 * bias is set back by hand with `assign([1.0])`.
 *
 * Run it with `npm start` (or `npx tsx examples/seed/manual-bias.ts`).
 */
import * as tg from "tensorgrad";

tg.setSeed(42);

// A neuron with a bias, the bias initialised to the constant 1.0.
const neuron = new tg.layers.Dense({
  units: 1,
  biasInitializer: tg.initializers.constant(1.0),
});

// The model, the loss function and the optimizer.
const model = new tg.Sequential([neuron]);
const lossFn = new tg.losses.MeanSquaredError();
const optimizer = new tg.optimizers.SGD({ learningRate: 0.1 });

model.build([null, 1]);
console.log("initial kernel:", neuron.kernel);
console.log("initial bias:", neuron.bias);

// Train the model, one sample at a time.
for (let epoch = 0; epoch < 10; epoch++) {
  const xTrain = [1.0, 2.0, 3.0, 4.0];
  const yTrain = [0.0, 0.0, 0.0, 0.0];
  for (let i = 0; i < xTrain.length; i++) {
    using tape = new tg.GradientTape();
    const logits = model.apply(xTrain[i]!);
    const lossValue = lossFn.call(yTrain[i]!, logits);
    const grads = tape.gradient(lossValue, model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
  }
}

// Check the neuron's bias.
console.log("bias after training:", neuron.bias);

// Set the neuron's bias by hand.
neuron.bias.assign([1.0]);

// Check the bias again.
console.log("bias after assign([1.0]):", neuron.bias);
