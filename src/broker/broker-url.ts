/** `amqp://guest:guest@host` -> `amqp://guest:***@host`: a broker URL fit to print. */
export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** Where the messages go, said for people. */
export function describeBroker(url?: string): string {
  return url ? `RabbitMQ at ${maskUrl(url)}` : 'the in-process broker';
}

/** Is this a RabbitMQ URL orderctl can use? */
export const isBrokerUrl = (url: string) => /^amqps?:\/\//.test(url);
