/**
 * Types for the parts of `smpp` (0.5.x, plain JavaScript, no published types) that Mobilize uses. PDU fields are
 * the SMPP 3.4 parameter and TLV names; the library decodes short_message into { udh?, message } where it can.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    interface DecodedMessage {
      udh?: Buffer[];
      message: string | Buffer;
    }
    interface Pdu {
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      system_id?: string;
      password?: string;
      message_id?: string;
      source_addr?: string;
      destination_addr?: string;
      esm_class?: number;
      registered_delivery?: number;
      data_coding?: number;
      short_message?: DecodedMessage | Buffer | string;
      receipted_message_id?: string;
      message_state?: number;
      [field: string]: unknown;
      isResponse(): boolean;
      response(options?: Record<string, unknown>): Pdu;
    }
    type ResponseCallback = (pdu: Pdu) => void;
    class Session extends EventEmitter {
      socket: Socket;
      send(pdu: Pdu, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver(options: Record<string, unknown>, callback?: ResponseCallback): boolean;
      submit_sm(options: Record<string, unknown>, callback?: ResponseCallback): boolean;
      deliver_sm(options: Record<string, unknown>, callback?: ResponseCallback): boolean;
      enquire_link(options?: Record<string, unknown> | ResponseCallback, callback?: ResponseCallback): boolean;
      unbind(options?: Record<string, unknown> | ResponseCallback, callback?: ResponseCallback): boolean;
    }
    class Server extends NetServer {
      sessions: Session[];
    }
    interface ConnectOptions {
      host: string;
      port: number;
      auto_enquire_link_period?: number;
    }

    function connect(options: ConnectOptions, listener?: () => void): Session;
    function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;
    const PDU: new (command: string, options?: Record<string, unknown>) => Pdu;
    const ESME_ROK: number;
    const ESME_RINVBNDSTS: number;
    const ESME_RBINDFAIL: number;
    const ESME_RINVPASWD: number;
    const ESME_RINVDSTADR: number;
    const ESME_RSYSERR: number;
    const ESME_RTHROTTLED: number;
    const ESME_RALYBND: number;
  }
  export = smpp;
}
