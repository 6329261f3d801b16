"""Packaging for mti_nb: everything is read from settings.ini (the nbdev project file)."""
from configparser import ConfigParser
from pathlib import Path

import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent / 'settings.ini', encoding='utf-8')
c = cfg['DEFAULT']


def _reqs(key: str) -> list[str]:
    return c.get(key, '').split()


setuptools.setup(
    name=c['lib_name'],
    version=c['version'],
    description=c['description'],
    long_description=(Path(__file__).parent / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    author=c['author'],
    license='Apache-2.0',
    python_requires=f">={c['min_python']}",
    packages=setuptools.find_packages(include=['mti_nb', 'mti_nb.*']),
    include_package_data=True,
    package_data={'mti_nb': ['meta/*', 'meta/*/*']},
    install_requires=_reqs('requirements'),
    extras_require={'dev': _reqs('dev_requirements')},
    entry_points={
        'console_scripts': [s.strip() for s in c.get('console_scripts', '').splitlines() if s.strip()],
        'nbdev': [f"{c['lib_path']}={c['lib_path']}._modidx:d"],
    },
    zip_safe=False,
)
