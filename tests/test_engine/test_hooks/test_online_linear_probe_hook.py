import io

import torch
from mmpretrain.structures import DataSample

from clae_mm.engine.hooks import OnlineLinearProbeHook
from clae_mm.evaluation import evaluate_linear_probe, extract_features
from tests.model_utils import tiny_clae
from tests.fake_runner import fake_runner


def two_view_batch(seed, size=8):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (size, 3, 32, 32), generator=g, dtype=torch.uint8)
             for _ in range(2)]
    labels = torch.randint(0, 10, (size,), generator=g)
    return dict(inputs=views, data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


def test_probe_trains_without_touching_the_encoder(cifar10_root):
    model = tiny_clae('simclr').train()
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)  # as left by the training step
    before = {k: v.clone() for k, v in model.state_dict().items()}
    runner = fake_runner(model, cifar10_root)
    hook = OnlineLinearProbeHook(stage='backbone')
    hook.before_train(runner)
    for step in range(3):
        hook.after_train_iter(runner, step, two_view_batch(step))
        if step == 0:
            initial = hook.classifier.weight.detach().clone()
    assert not torch.equal(hook.classifier.weight, initial)  # the probe learned
    assert model.training and model.backbone.training
    # weights and BN statistics
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    assert all(torch.equal(p.grad, torch.full_like(p, 0.5)) for p in model.parameters())
    assert runner.message_hub.get_scalar('train/online_probe_loss').current() > 0

    hook.after_train_epoch(runner)
    (record,) = runner.visualizer.records
    assert set(record) == {'online_linear/train_top1', 'online_linear/top1',
                           'online_linear/top5', 'step'}
    # scored through mmengine's Evaluator: the probe's accuracy on the query set's features
    expected = evaluate_linear_probe(hook.classifier,
                                     *extract_features(model, hook.query, 'backbone'))
    assert (record['online_linear/top1'], record['online_linear/top5']) == \
        (expected['top1'], expected['top5'])


def test_probe_state_goes_into_checkpoints_as_plain_data(cifar10_root):
    model = tiny_clae('simclr')
    runner = fake_runner(model, cifar10_root)
    hook = OnlineLinearProbeHook(eval_interval=0)
    hook.before_train(runner)
    hook.after_train_iter(runner, 0, two_view_batch(0))
    checkpoint = {}
    hook.before_save_checkpoint(runner, checkpoint)
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)

    resumed = OnlineLinearProbeHook(eval_interval=0, seed=1)
    resumed.before_train(runner)
    resumed.after_load_checkpoint(runner, loaded)
    resumed._build(64, 'cpu')
    assert torch.equal(resumed.classifier.weight, hook.classifier.weight)
    assert resumed.optimizer.state_dict()['state'][0]['step'] == 1
