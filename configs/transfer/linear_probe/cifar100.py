# Table 2: linear probe of the ImageNet-100 CLAE encoder on CIFAR-100 (train -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/cifar100.py CHECKPOINT
# The probe (evaluation.linear): Adam 3e-4, batch 256, 1000 epochs on the frozen 512-d backbone
# feature, as the authors' SimCLR/eval_lr.py.
# 32x32 images are resized to the encoder's 224x224.
_base_ = '../simclr_r18_imagenet100.py'
transfer_pipeline = [
    dict(type='Resize', scale=(224, 224), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]
eval_bank = dict(_delete_=True, type='CIFAR100', data_root='data/cifar100', split='train',
                 pipeline=transfer_pipeline)
eval_query = dict(_delete_=True, type='CIFAR100', data_root='data/cifar100', split='test',
                  pipeline=transfer_pipeline)
evaluation = dict(linear=dict(epochs=1000))
