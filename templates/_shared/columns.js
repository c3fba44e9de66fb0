/**
 * The text column to group by: the one named `name` (an option), else one a
 * trait's name points at (`selected_airlines` → "airline" or "airlines"), else
 * the first text column.
 */
function pickCategoryColumn(table, name, traitName = "") {
  const text = table.columns.filter((c) => c.kind === "category");
  const noun = traitName.toLowerCase().split("_").pop();
  const nouns = [noun, noun.replace(/s$/, "")];
  const named = (c) => noun && nouns.includes(c.name.toLowerCase());
  return (
    text.find((c) => c.name === name) ?? text.find(named) ?? text[0] ?? null
  );
}
