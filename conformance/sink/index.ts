export { type CloudEventValidator, createCloudEventValidator } from "./cloud-event-validator.ts";
/** The sink receiver's entry point under its short name: `start({ port, tls })`. */
export {
  type CloudEventLike,
  type ReceivedNotification,
  type SinkReceiver,
  type SinkReceiverOptions,
  type SinkResponse,
  startSinkReceiver,
  startSinkReceiver as start,
} from "./sink-receiver.ts";
