from setuptools import find_packages, setup


def read_requirements(path):
    with open(path) as f:
        return [line.split('#')[0].strip() for line in f
                if line.split('#')[0].strip() and not line.startswith('-r')]


setup(
    name='clae_mm',
    version='0.1.0',
    description='Contrastive Learning with Adversarial Examples (NeurIPS 2020) '
    'as an OpenMMLab toolkit',
    packages=find_packages(include=['clae_mm', 'clae_mm.*']),
    package_data={'clae_mm.datasets': ['meta/*.txt']},
    python_requires='>=3.9',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={
        'tests': read_requirements('requirements/tests.txt'),
    },
)
