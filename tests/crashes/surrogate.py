from openai import OpenAI

client = OpenAI()
client.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "system", "content": "You are an expert Python engineer \ud800. Write a function that sorts a list."}],
)
