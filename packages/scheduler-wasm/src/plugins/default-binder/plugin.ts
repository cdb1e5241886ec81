import type { PluginDescriptor } from '../../framework/interface.js';

/**
 * Bind: the decision leaves the framework as a ScheduleResult; the scheduler process binds it through the
 * pods/binding subresource. Listed so configurations that name it validate.
 */
export const DefaultBinder: PluginDescriptor = {
  name: 'DefaultBinder',
  extensionPoints: ['bind'],
  events: [],
};
