#!/usr/bin/env node
const http = require("http");
http.createServer((request, response) => {
  response.end("node-file-dep: greeted by a local package's bin");
}).listen(Number(process.env.PORT), "0.0.0.0");
