// A "platform SDK" that loads fine but never defines its global: the loader must time out clearly.
globalThis.somethingElse = true;
