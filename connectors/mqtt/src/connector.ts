import { defineConnector, type ConnectorDefinition } from '@mcp-hub/connector-kit';
import { MQTT_CONNECTOR_ID } from './connector-id';
import type { MqttDeps } from './mqtt-deps';
import { diagnoseDevicePrompt } from './prompts/diagnose-device';
import { topicResource } from './resources/topic-resource';
import { getHistoryTool } from './tools/get-history';
import { getLatestTool } from './tools/get-latest';
import { listTopicsTool } from './tools/list-topics';
import { publishTool } from './tools/publish';

export const MQTT_CONNECTOR_VERSION = '0.1.0';

/** The mqtt connector's table of contents. `publish` is offered only in write mode (the kit filters it). */
export const mqttConnector: ConnectorDefinition<MqttDeps> = defineConnector<MqttDeps>({
  id: MQTT_CONNECTOR_ID,
  version: MQTT_CONNECTOR_VERSION,
  title: 'MQTT / IoT',
  description: 'Telemetry from an MQTT broker: topics seen, latest values, recent history with downsampling, live topic resources; publishing only to allowed topics in write mode.',
  toolsets: {
    telemetry: [listTopicsTool, getLatestTool, getHistoryTool],
    commands: [publishTool],
  },
  resourceTemplates: [topicResource],
  prompts: [diagnoseDevicePrompt],
});
