from llm import ask

ask("You are an expert mathematician.", "What is 17 times 23?", model="o3-mini")
