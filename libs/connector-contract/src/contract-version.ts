/**
 * Version of the wire contract between the hub and connectors. A connector whose manifest
 * names another major version is refused by the hub. Bump the major on any breaking change
 * to a subject, header or message schema; the minor on an addition an older hub could not read
 * (1.1: the `busy` error kind), so hubs are upgraded before connectors. 2.0: registry subjects
 * carry the connector id, and every subject starts with the deployment namespace. 2.1: the
 * `unauthorized` error kind. 2.2: server-to-client requests (`Subjects.clientRequests`,
 * `ClientRequestMessageSchema`, the requests' `clientCapabilities`); a 2.1 hub sends no
 * capabilities, so a 2.2 connector's `ctx.elicit` fails there with `unsupported`.
 */
export const CONTRACT_VERSION = '2.2.0';

/** The major part of a contract version (`1.2.3` → 1). */
export function contractMajor(version: string): number {
  return Number(version.split('.')[0]);
}
