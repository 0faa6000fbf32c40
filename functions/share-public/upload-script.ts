/**
 * /assets/upload.js: the request page's uploader, plain browser JavaScript served from this
 * origin (the CSP allows script from 'self' only). For each file: ask for a share and part
 * URLs, PUT each part straight to the object store, complete. Resumable: the share id is kept
 * in localStorage under the file's name, size and date, and a second try asks the server which
 * parts it already has and sends only the missing ones.
 */
export const UPLOAD_SCRIPT = `'use strict';
(function () {
  var token = location.pathname.split('/')[2];
  var base = '/r/' + token + '/files';
  var form = document.getElementById('upload-form');
  var list = document.getElementById('uploads');
  var BATCH = 100;

  function api(method, path, body) {
    var init = { method: method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) throw new Error(json.detail || json.title || 'HTTP ' + response.status);
        return json;
      });
    });
  }

  function storageKey(file) {
    return 'sesame-upload:' + token + ':' + file.name + ':' + file.size + ':' + file.lastModified;
  }

  function show(item, text, state) {
    item.textContent = text;
    if (state) item.setAttribute('data-state', state);
  }

  async function resumeOrStart(file) {
    var id = localStorage.getItem(storageKey(file));
    if (id) {
      try {
        var progress = await api('GET', base + '/' + id + '/upload');
        return { id: id, partSize: progress.partSize, missing: progress.missing, state: progress.state };
      } catch (error) {
        localStorage.removeItem(storageKey(file));
      }
    }
    var started = await api('POST', base, {
      name: file.name,
      size: file.size,
      contentType: file.type || 'application/octet-stream'
    });
    localStorage.setItem(storageKey(file), started.id);
    var missing = [];
    for (var n = 1; n <= started.partCount; n++) missing.push(n);
    return { id: started.id, partSize: started.partSize, missing: missing, state: 'uploading' };
  }

  async function upload(file) {
    var item = document.createElement('li');
    item.className = 'upload-item';
    list.appendChild(item);
    show(item, file.name + ': starting', 'uploading');
    try {
      var upload = await resumeOrStart(file);
      var sent = 0;
      for (var i = 0; upload.state === 'uploading' && i < upload.missing.length; i += BATCH) {
        var batch = upload.missing.slice(i, i + BATCH);
        var answer = await api('POST', base + '/' + upload.id + '/parts', { partNumbers: batch });
        for (var p = 0; p < answer.parts.length; p++) {
          var part = answer.parts[p];
          var start = (part.partNumber - 1) * upload.partSize;
          var response = await fetch(part.url, { method: 'PUT', body: file.slice(start, start + upload.partSize) });
          if (!response.ok) throw new Error('part ' + part.partNumber + ' failed (' + response.status + ')');
          sent++;
          show(item, file.name + ': ' + Math.floor((sent / upload.missing.length) * 100) + '%');
        }
      }
      if (upload.state === 'uploading') await api('POST', base + '/' + upload.id + '/complete');
      localStorage.removeItem(storageKey(file));
      show(item, file.name + ': uploaded; it is being checked for viruses', 'done');
    } catch (error) {
      show(item, file.name + ': ' + error.message + ' (choose the file again to resume)', 'failed');
    }
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(document.getElementById('files').files);
    for (var f = 0; f < files.length; f++) await upload(files[f]);
  });
})();
`;
