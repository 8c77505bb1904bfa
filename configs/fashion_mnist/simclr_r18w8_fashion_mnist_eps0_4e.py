# The compute-matched baseline of simclr_r18w8_fashion_mnist.py: the eps-0 twin (no adversarial
# examples, plain BN) trained for as many wall-clock seconds as CLAE, i.e. more epochs. A CLAE
# step costs about 1.8-1.9x a baseline step on the CPU (docs/benchmarks.md; 11 forward-equivalents
# against 6), so CLAE's 2 epochs buy the baseline 3.6-3.8: it trains 4, the whole number of epochs
# nearest to that (slightly more time than CLAE gets; the measured wall times of both stand
# beside the results in docs/experiments.md).
_base_ = './simclr_r18w8_fashion_mnist_eps0.py'
train_cfg = dict(max_epochs=4)
