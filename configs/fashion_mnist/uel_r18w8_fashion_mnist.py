# Fashion-MNIST Table 1, UEL + CLAE, CPU-sized (docs/experiments.md, "Fashion-MNIST benchmark"):
# plain_r18w8_fashion_mnist.py with Table 1's UEL row (configs/clae/uel_r18_cifar10.py) in place
# of Plain's: the authors' BatchCriterion loss (temperature 0.1) and their UEL augmentation (the
# same preset as Plain's); everything else, the scaling-down included, is that config's.
# The eps-0 twin: uel_r18w8_fashion_mnist_eps0.py.
_base_ = './plain_r18w8_fashion_mnist.py'
model = dict(head=dict(method='uel'))
data_preprocessor = dict(method='uel')
