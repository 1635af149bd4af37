// Dates as the API takes them (YYYY-MM-DD, UTC, as the server's calendar).
export const today = () => new Date().toISOString().slice(0, 10);
// The day of a timestamp (YYYY-MM-DD), as lists show when something happened.
export const dayOf = (timestamp) => (timestamp ? timestamp.slice(0, 10) : '');
export const when = (timestamp) => (timestamp ? timestamp.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '');
