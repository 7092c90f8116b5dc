/** `amqp://guest:guest@host` -> `amqp://guest:***@host`: a broker URL fit to print. */
export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** Where the messages go, said for people; a style that sends none says so. */
export function describeBroker(url?: string, brokerUsed = true): string {
  if (!brokerUsed) return 'no broker (this style sends no messages)';
  return url ? `RabbitMQ at ${maskUrl(url)}` : 'the in-process broker';
}

/** Is this a RabbitMQ URL orderctl can use? */
export const isBrokerUrl = (url: string) => /^amqps?:\/\//.test(url);
