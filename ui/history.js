// history.js: what each state of a Step Functions execution did, read from its history
// (GetExecutionHistory events): status, times, input and output (StateEntered/StateExited
// details), attempts and the last error. Pure: no I/O, no DOM.
//
// An event belongs to a state when it is that state's StateEntered/StateExited, else to the state
// of the event it follows (previousEventId). Statuses: RUNNING once entered; FAILED after a failed
// or timed-out attempt (RUNNING again when it is retried); SUCCEEDED when exited, CAUGHT when it
// exited after a failure (a Catch); when the execution fails, the state that failed it is FAILED
// and those still running ABORTED; when it is stopped or times out, those running are ABORTED.

function details(event) {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value;
  }
  return {};
}

/** Map name -> {name, type, status, enteredAt, exitedAt, input, output, attempts, entries, error, cause}. */
export function statesFromHistory(events) {
  const owner = new Map();
  const states = new Map();
  const get = (name, type) => {
    if (!states.has(name)) {
      states.set(name, {name, type, status: null, enteredAt: null, exitedAt: null, input: undefined,
        output: undefined, attempts: 0, entries: 0, error: null, cause: null, failed: false});
    }
    const st = states.get(name);
    if (type && !st.type) st.type = type;
    return st;
  };
  for (const event of events || []) {
    const type = String(event.type || '');
    let name;
    if (event.stateEnteredEventDetails) {
      const d = event.stateEnteredEventDetails;
      name = d.name;
      const st = get(name, type.replace(/StateEntered$/, ''));
      Object.assign(st, {status: 'RUNNING', enteredAt: event.timestamp, exitedAt: null, input: d.input,
        output: undefined, failed: false, error: null, cause: null});
      st.entries += 1;
    } else if (event.stateExitedEventDetails) {
      const d = event.stateExitedEventDetails;
      name = d.name;
      const st = get(name, type.replace(/StateExited$/, ''));
      Object.assign(st, {status: st.failed ? 'CAUGHT' : 'SUCCEEDED', exitedAt: event.timestamp,
        output: d.output});
    } else if (type.startsWith('Execution')) {
      const culprit = owner.get(event.previousEventId);
      if (type === 'ExecutionFailed' && culprit && states.get(culprit)?.status !== 'SUCCEEDED') {
        const st = states.get(culprit);
        st.status = 'FAILED';
        const d = details(event);
        st.error ??= d.error ?? null;
        st.cause ??= d.cause ?? null;
      }
      if (/^Execution(Failed|Aborted|TimedOut)$/.test(type)) {
        for (const st of states.values()) if (st.status === 'RUNNING') st.status = 'ABORTED';
      }
      continue;
    } else {
      name = owner.get(event.previousEventId);
      const st = name !== undefined ? states.get(name) : undefined;
      if (st) {
        if (/(Failed|TimedOut)$/.test(type)) {
          const d = details(event);
          Object.assign(st, {status: 'FAILED', failed: true, error: d.error ?? null, cause: d.cause ?? null});
        } else if (/Scheduled$/.test(type)) {
          st.attempts += 1;
          st.status = 'RUNNING';
        } else if (/(Started|Submitted)$/.test(type)) {
          if (st.status === 'FAILED') st.status = 'RUNNING';
        } else if (/Succeeded$/.test(type)) {  // a retry succeeded: no longer failed
          Object.assign(st, {failed: false, error: null, cause: null});
        }
      }
    }
    if (name !== undefined) owner.set(event.id, name);
  }
  return states;
}

/** A one-line summary of an event's details, for the history table. */
export function eventSummary(event) {
  const d = details(event);
  const parts = [];
  if (d.name) parts.push(d.name);
  if (d.error) parts.push(`error ${d.error}`);
  if (d.cause) parts.push(`cause ${String(d.cause).slice(0, 200)}`);
  if (d.resource) parts.push(`${d.resourceType ? `${d.resourceType}:` : ''}${d.resource}`);
  if (d.index !== undefined) parts.push(`index ${d.index}`);
  return parts.join(' · ');
}

export {details as eventDetails};
