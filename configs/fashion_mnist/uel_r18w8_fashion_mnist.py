# Fashion-MNIST benchmark: UEL + CLAE, plain_r18w8_fashion_mnist.py with UEL's loss and
# augmentation preset (configs/fashion_mnist/README.md).
_base_ = './plain_r18w8_fashion_mnist.py'
model = dict(head=dict(method='uel'))
data_preprocessor = dict(method='uel')
