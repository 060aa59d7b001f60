//! Element identity across analyses: an element's key is its qualified name, so an edit that
//! adds a declaration above it (which renumbers every later `ElementId`) leaves it unchanged.

use std::path::{Path, PathBuf};

use archc::driver::{analyze_workspace, Analysis, RunOptions};
use archc::host::MemHost;
use archc::semantic::model::ElementId;

const ROOT: &str = "/ws";

fn analyze(files: &[(String, String)]) -> Analysis {
    let mut host = MemHost::default();
    for (name, text) in files {
        host.insert(&Path::new(ROOT).join(name), text.as_bytes().to_vec());
    }
    let root = PathBuf::from(ROOT);
    analyze_workspace(&host, &root, std::slice::from_ref(&root), &RunOptions::default())
}

/// Every file of an example workspace, by path relative to its root, in sorted order.
fn example(name: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "arch" || x == "toml"))
        .map(|e| {
            let rel = e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// What a declaration is, independent of where it sits in its file: its file, kind, name and text.
fn declaration(a: &Analysis, id: ElementId) -> (String, String, String, String) {
    let e = a.model.get(id).unwrap();
    let sources = &a.workspace.sources;
    let text = sources.text(e.file)[e.span.range()].to_string();
    (sources.name(e.file).to_string(), e.kind.keyword().to_string(), e.name.to_string(), text)
}

/// Inserts a new component above the first declaration of the file that declares the first
/// user element in load order, so that every later element gets another `ElementId`.
fn add_component_at_the_top(files: &mut [(String, String)], first: &Analysis) -> String {
    let (_, e) = first.model.iter().find(|(_, e)| !e.from_std).expect("a user element");
    let path = first.workspace.sources.name(e.file).to_string();
    let file = files
        .iter_mut()
        .find(|(name, _)| path == *name || path.ends_with(&format!("/{name}")))
        .expect("the file of the first element");
    // Imports stay first: insert after the last import line.
    let lines: Vec<&str> = file.1.lines().collect();
    let after = lines.iter().rposition(|l| l.starts_with("import ")).map_or(0, |i| i + 1);
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited.insert(after, "component added_on_top \"Added on top\" {\n  kind service\n}\n".to_string());
    file.1 = edited.join("\n") + "\n";
    file.0.clone()
}

#[test]
fn keys_survive_an_element_added_at_the_top_of_a_file() {
    for name in ["logistics", "payments", "shop", "marketplace"] {
        let mut files = example(name);
        let before = analyze(&files);
        let edited_file = add_component_at_the_top(&mut files, &before);
        let after = analyze(&files);

        let mut renumbered = 0;
        for (id, _) in before.model.iter() {
            let key = before.model.key_of(id).expect("every element has a key");
            assert_eq!(before.model.by_key(key.as_str()), Some(id), "{name}: key `{key}` is unique");
            let Some(now) = after.model.by_key(key.as_str()) else {
                panic!("{name}: `{key}` is gone after adding an element to {edited_file}")
            };
            assert_eq!(after.model.key_of(now), Some(key));
            assert_eq!(declaration(&before, id), declaration(&after, now), "{name}: `{key}` finds another declaration");
            renumbered += usize::from(now != id);
        }
        assert!(renumbered > 0, "{name}: the edit renumbers elements, so ids alone would not do");
        let added = after.model.by_key("added_on_top").expect("the new element has its name as key");
        assert_eq!(after.model.get(added).map(|e| e.name.as_str()), Some("added_on_top"));
        assert_eq!(after.model.elements.len(), before.model.elements.len() + 1);
    }
}

#[test]
fn keys_are_qualified_names_with_std_and_duplicates_told_apart() {
    let files: Vec<(String, String)> = [
        ("arch.toml", ""),
        (
            "a.arch",
            "import std.tech\nteam t\nsystem shop {\n  component api {\n    owner t\n    tech postgres\n  }\n}\n\
             component postgres {\n  owner t\n}\ncomponent twice {\n  owner t\n}\ncomponent twice {\n  owner t\n}\n\
             decision store \"Store\" {\n  option relational \"Relational\" {\n    pro \"joins\"\n  }\n}\n",
        ),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), t.to_string()))
    .collect();
    let a = analyze(&files);
    let model = &a.model;
    let key = |id| model.key_of(id).unwrap().as_str().to_string();
    let user = |name: &str| -> Vec<ElementId> {
        model.iter().filter(|(_, e)| e.name == name && !e.from_std).map(|(id, _)| id).collect()
    };

    let api = user("api")[0];
    assert_eq!(key(api), "shop.api", "a nested element is keyed by its enclosing elements' names");
    assert_eq!(model.by_key("shop.api"), Some(api));

    let option = user("relational")[0];
    assert_eq!(key(option), "store.relational");

    // The user's `postgres` shadows std's; both keep a key of their own.
    let mine = user("postgres")[0];
    assert_eq!(key(mine), "postgres");
    let std_postgres = model.iter().find(|(_, e)| e.name == "postgres" && e.from_std).map(|(id, _)| id).unwrap();
    assert_eq!(key(std_postgres), "std:postgres");
    assert_eq!(model.by_key("std:postgres"), Some(std_postgres));

    // A name declared twice is an error; its two declarations still have distinct keys.
    let twice = user("twice");
    assert_eq!(twice.iter().map(|&id| key(id)).collect::<Vec<_>>(), ["twice", "twice#2"]);
    assert!(a.diagnostics.iter().any(|d| d.message.contains("`twice` is declared twice")));
    assert_eq!(model.by_key("nothing.here"), None);
}
