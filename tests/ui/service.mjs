// service.mjs: the real service for the UI test: started from its binary on a free loopback port
// in a temporary data directory (optionally serving the UI from a directory), called over HTTP
// (the v1 API and the Step Functions JSON 1.0 face), and stopped, after cancelling the jobs and
// stopping the executions the test started, whatever happened.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {CheckError} from './check.mjs';

export class Service {
  /**
   * binary: the workflow-manager binary; work: a directory of the test's own; repo: the
   * repository (cwd of the service); jobDefinitions: the local job definitions file; uiDir:
   * serve the UI from there (--ui-dir) instead of the embedded files.
   */
  constructor({binary, work, repo, jobDefinitions, uiDir}) {
    Object.assign(this, {binary, work, repo, jobDefinitions, uiDir});
    this.dataDir = path.join(work, 'var');
    this.log = path.join(work, 'service.log');
    this.base = '';
    this.process = null;
    this.startedJobs = [];        // cancelled by stop() if still running
    this.startedExecutions = [];  // stopped by stop() if still running
  }

  /** Starts it and waits (at most `timeout` ms) until it says "listening on". */
  async start(timeout) {
    const flags = ['--listen', '127.0.0.1:0', '--data-dir', this.dataDir,
      '--job-definitions', this.jobDefinitions, '--max-parallel', '4'];
    if (this.uiDir) flags.push('--ui-dir', this.uiDir);
    const log = fs.openSync(this.log, 'a');
    this.process = spawn(this.binary, flags, {cwd: this.repo, stdio: ['ignore', log, log]});
    fs.closeSync(log);
    const exited = new Promise(resolve => this.process.once('exit', code => resolve(code)));
    const deadline = Date.now() + timeout;
    for (;;) {
      const match = fs.readFileSync(this.log, 'utf8').match(/listening on 127\.0\.0\.1:(\d+)/);
      if (match) { this.base = `http://127.0.0.1:${match[1]}`; return; }
      const code = await Promise.race([exited, new Promise(r => setTimeout(() => r('wait'), 50))]);
      if (code !== 'wait') throw new CheckError(`the service exited (${code}) before listening`);
      if (Date.now() > deadline) throw new CheckError(`the service did not say "listening on" in ${timeout / 1000} s`);
    }
  }

  /** One HTTP call: {status, data (parsed JSON, else text), headers}. */
  async api(method, urlPath, body, headers = {}) {
    const response = await fetch(this.base + urlPath, {method, headers,
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body))});
    const text = await response.text();
    let data = text;
    try { data = JSON.parse(text); } catch { /* text */ }
    return {status: response.status, data, headers: response.headers};
  }

  /** One Step Functions operation. */
  async sfn(operation, body) {
    return this.api('POST', '/', JSON.stringify(body), {'X-Amz-Target': `AWSStepFunctions.${operation}`,
      'Content-Type': 'application/x-amz-json-1.0'});
  }

  /** The last lines of its log. */
  tail(lines = 25) {
    if (!fs.existsSync(this.log)) return '';
    return fs.readFileSync(this.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Stops what the test left running (a failed run may leave a sleeping task, a Wait), then the service. */
  async stop() {
    const proc = this.process;
    if (!proc || proc.exitCode !== null || proc.signalCode) return;
    for (const id of this.startedJobs) {
      await this.api('DELETE', `/jobs/${id}`, {reason: 'ui test cleanup'}).catch(() => {});
    }
    for (const arn of this.startedExecutions) {
      await this.sfn('StopExecution', {executionArn: arn, cause: 'ui test cleanup'}).catch(() => {});
    }
    const exited = new Promise(resolve => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
}
