# SimCLR + CLAE on Fashion-MNIST (simclr_r18w8_fashion_mnist.py, unchanged) with the evaluation
# hooks on, so that one tools/train.py run trains and scores:
#   - OnlineLinearProbeHook: solo-learn's online linear evaluation, a linear classifier on the
#     frozen backbone output trained beside pre-training (one Adam step per iteration on the
#     batch's detached features; the encoder's parameters, gradients and BN statistics are those
#     of a run without it), scored on the test set each epoch (online_linear/top1);
#   - LinearEvalHook: once training ends, the config's test evaluation (test_cfg / test_evaluator:
#     kNN k=200 and the 1000-epoch linear probe), as tools/test.py would score the last checkpoint.
# Not part of the benchmark table (configs/fashion_mnist/README.md), which scores the 100-epoch
# probe.
_base_ = './simclr_r18w8_fashion_mnist.py'
custom_hooks = [
    dict(type='OnlineLinearProbeHook', stage='backbone', lr=1e-3, eval_interval=1),
    dict(type='LinearEvalHook'),
]
