// Awaaz web client: uploading files straight to storage.
"use strict";


// The same files are uploaded once per form: a retry sends the same upload ids, so the same body
// as the first try (the server refuses a key replayed with another body).
function uploadsOnce() {
  let last = { files: [], ids: [] };
  return async (files) => {
    if (files.length === last.files.length && files.every((f, i) => f === last.files[i])) return last.ids;
    last = { files, ids: await upload(files) };
    return last.ids;
  };
}

// Each file goes straight to storage with a presigned POST (never through the API); the
// complaint then names the upload ids. The storage answer is opaque to the page (CORS).
async function upload(files) {
  const ids = [];
  for (const file of files) {
    const signed = await api("POST", "/v1/uploads", { filename: file.name, content_type: file.type, size: file.size });
    const form = new FormData();
    for (const [name, value] of Object.entries(signed.fields)) form.append(name, value);
    form.append("file", file);
    await fetch(signed.url, { method: "POST", body: form, mode: "no-cors" });
    ids.push(signed.upload_id);
  }
  return ids;
}
