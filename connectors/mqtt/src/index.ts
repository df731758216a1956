export { mqttModule, mqttModule as connectorModule, createMqttConnectorService } from './mqtt-module';
export type { CreateOptions } from './mqtt-module';
export { mqttConnector, MQTT_CONNECTOR_VERSION } from './connector';
export { MQTT_CONNECTOR_ID } from './connector-id';
export { MqttConfigSchema, SubscriptionSchema } from './config';
export type { MqttConfig, MqttConfigInput, SubscriptionConfig } from './config';
export type { MqttDeps } from './mqtt-deps';
export { topicMatches, topicFilterProblem, topicNameProblem } from './topic-filter';
export { topicUri, TOPIC_URI_TEMPLATE } from './topic-uri';
