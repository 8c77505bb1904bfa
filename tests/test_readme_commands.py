"""Every command in README.md's ```bash blocks runs as written after the quick
start: the files it names exist, each Python tool answers --help in the
project's interpreter without PYTHONPATH (tools import the installed package)
and knows every --option the README gives it, each shell script parses and
finds the project's .venv without PYTHON set."""
import json
import os
import os.path as osp
import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import REPO

README = osp.join(REPO, 'README.md')
HELP_DRIVER = r'''
import contextlib, io, json, runpy, sys
out = {}
for tool in sys.argv[1:]:
    sys.argv = [tool, '--help']
    buffer, code = io.StringIO(), None
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            runpy.run_path(tool, run_name='__main__')
        except SystemExit as exc:
            code = exc.code
    out[tool] = [code, buffer.getvalue()]
print(json.dumps(out))
'''


def readme_commands():
    """Each command of README.md's bash blocks as a token list: comments
    dropped, backslash continuations joined, leading VAR=value assignments
    removed."""
    with open(README) as f:
        text = f.read()
    commands = []
    for block in re.findall(r'```bash\n(.*?)```', text, re.S):
        for line in block.replace('\\\n', ' ').splitlines():
            tokens = shlex.split(line, comments=True)
            while tokens and re.match(r'^[A-Z_]+=', tokens[0]):
                tokens.pop(0)
            if tokens:
                commands.append(tokens)
    return commands


def python_tools(commands):
    """{tool path: [the --options the README passes it]}."""
    tools = {}
    for tokens in commands:
        if tokens[0].endswith('python') and tokens[1].endswith('.py'):
            tools.setdefault(tokens[1], set()).update(
                t.split('=')[0] for t in tokens[2:] if t.startswith('--'))
    return tools


def test_the_readme_has_the_commands_users_copy():
    commands = readme_commands()
    programs = {tokens[1] if tokens[0] in ('bash',) or tokens[0].endswith('python') else tokens[0]
                for tokens in commands}
    assert {'scripts/demo.sh', 'tools/train.py', 'tools/dist_train.sh', 'tools/test.py',
            'tools/slurm_train.sh'} <= programs
    # after the quick start, the interpreter with the packages is the project's .venv
    assert all(tokens[0] == '.venv/bin/python' for tokens in commands
               if tokens[0].endswith('python'))


def test_every_file_a_command_names_exists():
    for tokens in readme_commands():
        for token in tokens:
            if re.match(r'^(configs|tools|scripts)/.*\.(py|sh)$', token):
                assert osp.isfile(osp.join(REPO, token)), f'{token} ({" ".join(tokens)})'
        if tokens[0].startswith('.venv/bin/') and not tokens[0].endswith('python'):
            # console scripts of the set-up (tensorboard), beside this interpreter
            assert osp.isfile(osp.join(osp.dirname(sys.executable), osp.basename(tokens[0])))


def test_shell_scripts_parse_and_default_to_the_venv():
    scripts = {tokens[1] for tokens in readme_commands() if tokens[0] == 'bash'}
    assert scripts
    for script in sorted(scripts):
        proc = subprocess.run(['bash', '-n', osp.join(REPO, script)], capture_output=True,
                              text=True)
        assert proc.returncode == 0, f'{script}: {proc.stderr}'
        with open(osp.join(REPO, script)) as f:
            text = f.read()
        assert '.venv' in text, f'{script} does not use the project\'s .venv'


def test_every_python_tool_answers_help_and_knows_the_readmes_options():
    tools = python_tools(readme_commands())
    assert len(tools) >= 7
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    env.update(CUDA_VISIBLE_DEVICES='', OMP_NUM_THREADS='1')
    # One interpreter runs every tool as __main__ (python tools/X.py --help),
    # from the repository root as the README's commands are.
    proc = subprocess.run([sys.executable, '-c', HELP_DRIVER, *sorted(tools)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'MultiScaleDeformableAttention' not in proc.stderr
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for tool, options in sorted(tools.items()):
        code, text = results[tool]
        assert code in (0, None) and 'usage:' in text, f'{tool} --help: {text[-2000:]}'
        if 'plot_curve' in text:  # analyze_logs.py: options live in the subcommands
            continue
        missing = sorted(o for o in options if not re.search(re.escape(o) + r'\b', text))
        assert not missing, f'{tool} does not take {missing}'


def test_analyze_logs_subcommands_take_the_readmes_options():
    from tests.test_tools.test_analysis_tools import analyze_logs
    checked = 0
    for tokens in readme_commands():
        if tokens[1:2] == ['tools/analysis_tools/analyze_logs.py']:
            args = [t for t in tokens[2:] if not t.startswith('work_dirs/')] + ['log.json']
            parsed = analyze_logs.parse_args(args)  # an unknown option exits 2
            assert parsed.command == tokens[2]
            checked += 1
    assert checked == 2
