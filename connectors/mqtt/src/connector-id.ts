/** The connector id: the first token of its tool names (`mqtt_get_latest`) and its resource scheme. */
export const MQTT_CONNECTOR_ID = 'mqtt';
