# UEL (Ye et al. 2019): Plain's network (plain_r18_cifar.py) with the authors' BatchCriterion loss.
_base_ = './plain_r18_cifar.py'
model = dict(head=dict(method='uel'))
