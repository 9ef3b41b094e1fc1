const SYSTEM = "You are an expert TypeScript engineer \ud800. Write a function that sorts a list.";
openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "system", content: SYSTEM }] });
