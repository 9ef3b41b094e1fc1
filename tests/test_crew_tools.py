"""Reading which tools a CrewAI crew.py gives each agent."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prism_lint.extract.python.crew_tools import agent_tools


def test_tools_are_read_per_agent_config_name() -> None:
    source = (
        "class C:\n"
        "    def a(self):\n"
        "        return Agent(\n"
        "            config=self.agents_config['analyst'], tools=[tools.Serper(), scrape]\n"
        "        )\n"
        "    def b(self):\n"
        '        return Agent(config=self.agents_config["writer"], tools=[])\n'
        "    def c(self):\n"
        "        return Agent(config=other['x'], tools=[Search()])\n"
    )
    assert agent_tools(source) == {"analyst": ["Serper", "scrape"]}


@given(st.text(max_size=300))
def test_any_text_reads_without_error(source: str) -> None:
    found = agent_tools(source)
    assert all(isinstance(k, str) and isinstance(v, list) for k, v in found.items())
