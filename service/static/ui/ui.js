// The editors' page works without this script; it only makes the tag picker nicer: a tag
// picked from the list (searched by name or IPTC code) becomes a ticked box of its form, so
// several tags can be added before saving.
"use strict";

function topicNames() {
  const names = new Map();
  for (const option of document.querySelectorAll("#topics option")) {
    names.set(option.value.toLowerCase(), option.value);
    const code = option.textContent.split(" ")[0].trim();
    if (code) names.set(code.toLowerCase(), option.value);
  }
  return names;
}

function addChip(picker, names) {
  const name = names.get(picker.value.trim().toLowerCase());
  const target = document.getElementById(picker.dataset.target || "");
  if (!name || !target) return false;
  const existing = Array.from(target.querySelectorAll("input[name=label]")).find((box) => box.value === name);
  if (existing) {
    existing.checked = true;
  } else {
    const label = document.createElement("label");
    label.className = "chip";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "label";
    box.value = name;
    box.checked = true;
    label.append(box, " " + name);
    target.append(label);
  }
  picker.value = "";
  return true;
}

document.addEventListener("DOMContentLoaded", () => {
  const names = topicNames();
  for (const picker of document.querySelectorAll("input.picker")) {
    picker.addEventListener("change", () => addChip(picker, names));
    picker.addEventListener("keydown", (event) => {
      // Enter on a known tag adds it; Enter on an empty picker submits the form as usual.
      if (event.key === "Enter" && picker.value.trim() && addChip(picker, names)) {
        event.preventDefault();
      }
    });
  }
});
