// SPDX-License-Identifier: Apache-2.0
/**
 * The tutorial's first program, line by line: one Dense neuron whose bias
 * starts at 1.0, trained one sample at a time with mean squared error and
 * SGD (learning rate 0.1) for 10 epochs, through a gradient tape.
 *
 * Run it with `npm start` (or `npx tsx examples/seed/bias.ts`).
 */
import * as tg from "tensorgrad";

// A fixed seed makes the random initial kernel, and so the result, repeat.
tg.setSeed(42);

// A neuron with a bias, the bias initialised to the constant 1.0.
const neuron = new tg.layers.Dense({
  units: 1,
  biasInitializer: tg.initializers.constant(1.0),
});

// The model.
const model = new tg.Sequential([neuron]);

// The loss function and the optimizer.
const lossFn = new tg.losses.MeanSquaredError();
const optimizer = new tg.optimizers.SGD({ learningRate: 0.1 });

// Create the weights now (one input feature) so that we can print them.
model.build([null, 1]);
console.log("initial kernel:", neuron.kernel);
console.log("initial bias:", neuron.bias);

// Train the model.
for (let epoch = 0; epoch < 10; epoch++) {
  // The training data.
  const xTrain = [1.0, 2.0, 3.0, 4.0];
  const yTrain = [0.0, 0.0, 0.0, 0.0];

  // Feed the samples to the model one at a time.
  for (let i = 0; i < xTrain.length; i++) {
    using tape = new tg.GradientTape();
    const logits = model.apply(xTrain[i]!);
    const lossValue = lossFn.call(yTrain[i]!, logits);
    const grads = tape.gradient(lossValue, model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
  }
}

// Check the neuron's bias.
console.log("kernel after training:", neuron.kernel);
console.log("bias after training:", neuron.bias);
