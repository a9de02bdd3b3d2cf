//! Jupyter notebooks: Read shows their cells (source and text outputs); NotebookEdit replaces,
//! inserts or deletes a cell. Edits go through the same read-first rule and diff preview as Edit.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::file_change::{Existing, PlannedChange};
use crate::tools::{
    ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, optional_str, required_str,
};

/// A cell's source as one string (nbformat allows a string or a list of lines).
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// The notebook as text for the model: each cell with its id, type, source and text outputs.
pub fn render(notebook: &Value) -> Result<String, String> {
    let cells = notebook
        .get("cells")
        .and_then(Value::as_array)
        .ok_or("not a notebook: no `cells` list")?;
    let language = notebook
        .pointer("/metadata/language_info/name")
        .and_then(Value::as_str)
        .unwrap_or("python");
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let kind = cell
            .get("cell_type")
            .and_then(Value::as_str)
            .unwrap_or("code");
        let id = cell
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or(format!("cell-{i}"));
        let source = text_of(cell.get("source").unwrap_or(&Value::Null));
        out.push_str(&format!("<cell id=\"{id}\" type=\"{kind}\">\n"));
        if kind == "code" {
            out.push_str(&format!("```{language}\n{}\n```\n", source.trim_end()));
        } else {
            out.push_str(&format!("{}\n", source.trim_end()));
        }
        for output in cell
            .get("outputs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = output
                .get("text")
                .map(text_of)
                .or_else(|| output.pointer("/data/text~1plain").map(text_of))
                .or_else(|| {
                    output.get("ename").map(|e| {
                        format!(
                            "{}: {}",
                            text_of(e),
                            output.get("evalue").map(text_of).unwrap_or_default()
                        )
                    })
                });
            match text {
                Some(text) => out.push_str(&format!("Output:\n{}\n", text.trim_end())),
                None if output.pointer("/data/image~1png").is_some() => {
                    out.push_str("Output: [an image]\n")
                }
                None => {}
            }
        }
        out.push_str("</cell>\n");
    }
    Ok(out)
}

/// Jupyter's own layout (1-space indent), so an edit changes only the lines it should.
fn to_notebook_text(notebook: &Value) -> Result<String, ToolError> {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buf, formatter);
    notebook
        .serialize(&mut serializer)
        .map_err(|e| ToolError::Failed(format!("cannot write the notebook: {e}")))?;
    let mut text = String::from_utf8(buf).map_err(|e| ToolError::Failed(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// nbformat's source: a list of lines, each but the last ending in a newline.
fn source_lines(source: &str) -> Value {
    let lines: Vec<Value> = source.split_inclusive('\n').map(|l| json!(l)).collect();
    Value::Array(lines)
}

pub struct NotebookEdit;

impl NotebookEdit {
    fn plan(&self, input: &Value, ctx: &ToolContext) -> Result<PlannedChange, ToolError> {
        let path = ctx.resolve(required_str(input, "notebook_path")?);
        let shown = ctx.display_path(&path);
        let mode = optional_str(input, "edit_mode").unwrap_or("replace");
        let existing = Existing::read(&path, &shown)?;
        ctx.files
            .lock()
            .map_err(|_| ToolError::Failed("file state poisoned".into()))?
            .check_fresh(&path, &shown)?;
        let mut notebook: Value = serde_json::from_str(existing.text()).map_err(|e| {
            ToolError::InvalidInput(format!("{shown} is not valid notebook JSON: {e}"))
        })?;
        let cells = notebook
            .get_mut("cells")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| ToolError::InvalidInput(format!("{shown} has no `cells` list")))?;
        let cell_id = optional_str(input, "cell_id");
        let position = cell_id.map(|id| {
            cells
                .iter()
                .position(|c| c.get("id").and_then(Value::as_str) == Some(id))
                .or_else(|| {
                    id.strip_prefix("cell-")
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n < cells.len())
                })
                .ok_or_else(|| ToolError::NoCell {
                    path: shown.clone(),
                    id: id.to_string(),
                    cells: crate::words::count(cells.len(), "cell", "cells"),
                })
        });
        match mode {
            "replace" | "delete" => {
                let index = position.ok_or_else(|| {
                    ToolError::InvalidInput(format!("`cell_id` is required to {mode} a cell"))
                })??;
                if mode == "delete" {
                    cells.remove(index);
                } else {
                    let source = required_str(input, "new_source")?;
                    let cell = &mut cells[index];
                    cell["source"] = source_lines(source);
                    if let Some(kind) = optional_str(input, "cell_type") {
                        cell["cell_type"] = json!(kind);
                    }
                    if cell["cell_type"] == "code" {
                        cell["outputs"] = json!([]);
                        cell["execution_count"] = Value::Null;
                    }
                }
            }
            "insert" => {
                let kind = optional_str(input, "cell_type").unwrap_or("code");
                if kind != "code" && kind != "markdown" {
                    return Err(ToolError::InvalidInput(
                        "`cell_type` must be code or markdown".into(),
                    ));
                }
                let source = required_str(input, "new_source")?;
                let at = match position {
                    Some(found) => found? + 1,
                    None => 0,
                };
                let mut cell = json!({
                    "cell_type": kind,
                    "id": format!("{:08x}", fastrand::u32(..)),
                    "metadata": {},
                    "source": source_lines(source),
                });
                if kind == "code" {
                    cell["outputs"] = json!([]);
                    cell["execution_count"] = Value::Null;
                }
                cells.insert(at, cell);
            }
            other => {
                return Err(ToolError::InvalidInput(format!(
                    "`edit_mode` `{other}`: use replace, insert or delete"
                )));
            }
        }
        let after = to_notebook_text(&notebook)?;
        PlannedChange::new(path, shown, Some(existing), after)
    }
}

impl Tool for NotebookEdit {
    fn name(&self) -> Cow<'static, str> {
        "NotebookEdit".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Edits a Jupyter notebook (.ipynb) cell: edit_mode replace (default) sets the source of \
         cell_id; insert adds a new cell after cell_id (at the start without one); delete removes \
         cell_id. cell_type is code or markdown. Read the notebook first to see the cell ids."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "notebook_path": {"type": "string"},
                "cell_id": {"type": "string"},
                "new_source": {"type": "string"},
                "cell_type": {"type": "string", "enum": ["code", "markdown"]},
                "edit_mode": {"type": "string", "enum": ["replace", "insert", "delete"]}
            },
            "required": ["notebook_path"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::Mutating
    }

    fn summarize(&self, input: &Value) -> String {
        format!(
            "{} {}",
            input["notebook_path"].as_str().unwrap_or(""),
            input["cell_id"].as_str().unwrap_or("")
        )
        .trim()
        .to_string()
    }

    fn preview(&self, input: &Value, ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::FileChange(self.plan(input, ctx)?.diff()))
    }

    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move { self.plan(&input, ctx)?.apply(ctx) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::read::Read;
    use std::sync::Arc;

    const NB: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Title\n", "Some text"]},
  {"cell_type": "code", "id": "calc", "metadata": {}, "execution_count": 1,
   "source": "x = 1\nprint(x)", "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]}
 ],
 "metadata": {"language_info": {"name": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}"##;

    #[tokio::test]
    async fn read_shows_cells_and_outputs_and_edits_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("n.ipynb"), NB).unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        let read = Read
            .run(json!({"file_path": "n.ipynb"}), &ctx, Arc::new(|_| {}))
            .await
            .unwrap();
        assert!(
            read.content.contains(
                "<cell id=\"calc\" type=\"code\">\n```python\nx = 1\nprint(x)\n```\nOutput:\n1"
            ),
            "{}",
            read.content
        );
        let edit = |input: Value| NotebookEdit.run(input, &ctx, Arc::new(|_| {}));
        edit(
            json!({"notebook_path": "n.ipynb", "cell_id": "calc", "new_source": "x = 2\nprint(x)"}),
        )
        .await
        .unwrap();
        edit(json!({"notebook_path": "n.ipynb", "cell_id": "intro", "new_source": "y = 3", "edit_mode": "insert"})).await.unwrap();
        edit(json!({"notebook_path": "n.ipynb", "cell_id": "intro", "edit_mode": "delete"}))
            .await
            .unwrap();
        let nb: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("n.ipynb")).unwrap())
                .unwrap();
        let cells = nb["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0]["source"], json!(["y = 3"]));
        assert_eq!(cells[1]["source"], json!(["x = 2\n", "print(x)"]));
        assert_eq!(cells[1]["outputs"], json!([]), "stale outputs are cleared");
        let missing =
            edit(json!({"notebook_path": "n.ipynb", "cell_id": "nope", "new_source": "z"}))
                .await
                .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "n.ipynb has no cell `nope` (it has 2 cells; use a cell's id, or cell-N counting from 0)"
        );
    }
}
