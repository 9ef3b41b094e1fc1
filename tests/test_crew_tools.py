"""Reading which tools a CrewAI crew.py gives each agent."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prism_lint.extract.python.crew_tools import agent_tools, read_crew


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


def test_tasks_are_read_with_the_agent_their_crew_builds_them_with() -> None:
    source = (
        "class C:\n"
        "    def writer_agent(self):\n"
        "        return Agent(config=self.agents_config['writer'])\n"
        "    def reviewer(self):\n"
        "        return Agent(config=self.agents_config['reviewer'], tools=[Search()])\n"
        "    def draft(self):\n"
        "        return Task(config=self.tasks_config['draft_task'], agent=self.writer_agent())\n"
        "    def review(self):\n"
        "        return Task(config=self.tasks_config['review_task'], agent=self.reviewer)\n"
        "    def loose(self):\n"
        "        return Task(config=self.tasks_config['loose_task'], agent=other.writer())\n"
    )
    crew = read_crew(source)
    # an agent method named as its config key, or not
    assert crew.task_agents == {"draft_task": "writer", "review_task": "reviewer"}
    assert crew.tools == {"reviewer": ["Search"]}


def test_tasks_built_from_config_fields_go_to_the_agent_variable_they_name() -> None:
    """A crew script without CrewBase: agents assigned to module variables,
    tasks built from ``tasks_config[name]["description"]``."""
    source = (
        "agents_config = yaml.safe_load(open('config/agents.yaml'))\n"
        "tasks_config = yaml.safe_load(open('config/tasks.yaml'))\n"
        "analyst = Agent(config=agents_config['analyst'], allow_delegation=False)\n"
        "scorer = Agent(config=agents_config['scorer'])\n"
        "task1 = Task(\n"
        "    description=tasks_config['task1']['description'],\n"
        "    expected_output=tasks_config['task1']['expected_output'],\n"
        "    agent=analyst,\n"
        ")\n"
        "task2 = Task(expected_output=tasks_config['task2']['expected_output'], agent=scorer)\n"
        "task3 = Task(description=other['task3']['description'], agent=scorer)\n"
    )
    assert read_crew(source).task_agents == {"task1": "analyst", "task2": "scorer"}


def test_a_task_goes_to_the_agent_its_variable_holds_where_the_task_is_built() -> None:
    source = (
        "agent = Agent(config=agents_config['researcher'])\n"
        "t1 = Task(description=tasks_config['research']['description'], agent=agent)\n"
        "agent = Agent(config=agents_config['writer'])\n"
        "t2 = Task(description=tasks_config['write']['description'], agent=agent)\n"
    )
    assert read_crew(source).task_agents == {"research": "researcher", "write": "writer"}


@given(st.text(max_size=300))
def test_any_text_reads_without_error(source: str) -> None:
    found = agent_tools(source)
    assert all(isinstance(k, str) and isinstance(v, list) for k, v in found.items())
    links = read_crew(source).task_agents
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in links.items())
