# The FLOP-matched baseline of simclr_r18w8_fashion_mnist.py: the eps-0 twin (no adversarial
# examples, plain BN) trained for at least CLAE's counted FLOPs, i.e. more epochs. A CLAE
# iteration counts 1.84x the FLOPs of a baseline one (4 forwards and 4 backwards against 2 and 2;
# docs/benchmarks.md: 782 vs 426 GFLOP per ResNet-18 iteration), so CLAE's 2 epochs equal 3.67
# baseline epochs: it trains 4, the whole number of epochs at or above that (1.09x CLAE's FLOPs).
# Wall time is not matched: under the benchmark's load the baseline trained 214-218 s, CLAE
# 308-676 s (docs/experiments.md).
_base_ = './simclr_r18w8_fashion_mnist_eps0.py'
train_cfg = dict(max_epochs=4)
