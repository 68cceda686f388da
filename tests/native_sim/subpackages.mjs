// loadSubpackage / preDownloadSubpackage (reference 1.6): loadSubpackage({name}) "downloads and executes"
// the subpackage, i.e. runs <root>/game.js in the game's context; preDownloadSubpackage only downloads.
// Both return a task with onProgressUpdate({progress, totalBytesWritten, totalBytesExpectedToWrite}).
import { readFileSync } from "node:fs";

/**
 * The two members. `runFile(rel, source)` executes a package file in the context (throws what it throws);
 * `record(entry)` logs {op, name, ok, error?}.
 */
export function subpackageApis({ realm, kit, pkg, runFile, record }) {
  function makeTask(listeners) {
    return realm.object({
      onProgressUpdate(cb) {
        if (typeof cb === "function") listeners.push(cb);
      },
      offProgressUpdate(cb) {
        const i = listeners.indexOf(cb);
        if (i >= 0) listeners.splice(i, 1);
        else if (cb === undefined) listeners.length = 0;
      },
    });
  }
  function progress(api, sp, listeners) {
    const total = pkg.bytesOf(sp);
    for (const share of [0.5, 1]) {
      const event = realm.toCtx({
        progress: Math.round(share * 100),
        totalBytesWritten: Math.round(share * total),
        totalBytesExpectedToWrite: total,
      });
      for (const cb of [...listeners]) {
        try {
          cb(event);
        } catch (e) {
          kit.reportError(`${api}.onProgressUpdate`, e);
        }
      }
    }
  }

  function start(api, options, execute) {
    const o = options ?? {};
    const listeners = [];
    const task = makeTask(listeners);
    const sp = typeof o.name === "string" ? pkg.subpackages.get(o.name) : undefined;
    kit.later(() => {
      if (!sp) {
        record({ op: api, name: o.name, ok: false, error: "subpackage not found" });
        return kit.deliverNow(api, o, false, `subpackage "${o.name}" not found in game.json subpackages`);
      }
      progress(api, sp, listeners);
      if (!execute) {
        if (sp.state === "remote") sp.state = "downloaded";
        record({ op: api, name: sp.name, ok: true });
        return kit.deliverNow(api, o, true, {});
      }
      if (sp.state === "loaded") {
        record({ op: api, name: sp.name, ok: true, note: "already loaded" });
        return kit.deliverNow(api, o, true, {});
      }
      const rel = `${sp.root}game.js`;
      let source;
      try {
        source = readFileSync(pkg.abs(rel), "utf8");
      } catch {
        record({ op: api, name: sp.name, ok: false, error: `${rel} missing` });
        return kit.deliverNow(api, o, false, `subpackage "${sp.name}" has no ${rel} to execute`);
      }
      sp.state = "loaded"; // its files resolve while its game.js runs (that is when a loader reads them)
      try {
        runFile(rel, source);
      } catch (e) {
        sp.state = "downloaded";
        record({ op: api, name: sp.name, ok: false, error: String(e?.message ?? e) });
        kit.reportError(`${rel} (loadSubpackage ${sp.name})`, e);
        return kit.deliverNow(api, o, false, `${rel} threw: ${e?.message ?? e}`);
      }
      record({ op: api, name: sp.name, ok: true });
      kit.deliverNow(api, o, true, {});
    });
    return task;
  }

  return {
    loadSubpackage(options) {
      return start("loadSubpackage", options, true);
    },
    preDownloadSubpackage(options) {
      return start("preDownloadSubpackage", options, false);
    },
  };
}
