package me.gocertify.bridge.ops;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.modelmbean.InvalidTargetObjectTypeException;
import javax.management.modelmbean.ModelMBean;
import javax.management.modelmbean.ModelMBeanInfo;
import javax.management.modelmbean.RequiredModelMBean;

import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedInstance;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.api.management.NotificationSenderAware;
import org.apache.camel.spi.ManagementMBeanAssembler;
import org.apache.camel.support.management.MBeanInfoAssembler;
import org.apache.camel.support.management.MixinRequiredModelMBean;
import org.apache.camel.support.management.NotificationSenderAdapter;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.ObjectHelper;

/**
 * Camel's MBean assembler (DefaultManagementMBeanAssembler, same steps), except that the JMX
 * description of a managed class is built once and shared by every MBean of that class. Camel
 * builds it anew for each of the bridge's several hundred MBeans (each processor, endpoint and
 * service), validating some fifty attribute and operation descriptors each time: nearly half of
 * the main thread's work at start. The description depends on the classes alone (Camel's own
 * assembler reads nothing else from the object), and each MBean copies it on registration
 * (RequiredModelMBean clones the info it is given), so sharing it changes nothing Hawtio sees.
 */
public final class SharedMBeanInfo extends ServiceSupport implements ManagementMBeanAssembler {

    private final CamelContext camel;
    private final MBeanInfoAssembler assembler;
    private final Map<List<Class<?>>, ModelMBeanInfo> infos = new ConcurrentHashMap<>();

    public SharedMBeanInfo(CamelContext camel) {
        this.camel = camel;
        this.assembler = new MBeanInfoAssembler(camel);
    }

    @Override
    public ModelMBean assemble(MBeanServer server, Object obj, ObjectName name) throws JMException {
        ModelMBeanInfo info = null;
        ModelMBeanInfo standardInfo = null;
        Object custom = null;
        if (obj instanceof ManagedInstance managed) {
            custom = managed.getInstance();
            if (custom != null && ObjectHelper.hasAnnotation(custom.getClass().getAnnotations(), ManagedResource.class)) {
                info = info(obj, custom, name);
                standardInfo = info(obj, null, name);
            }
        }
        if (info == null) {
            info = info(obj, null, name);
        }
        if (info == null) {
            return null;
        }
        Boolean mask = camel.getManagementStrategy().getManagementAgent().getMask();
        RequiredModelMBean standard = null;
        if (standardInfo != null) {
            standard = (RequiredModelMBean) server.instantiate(RequiredModelMBean.class.getName());
            standard.setModelMBeanInfo(standardInfo);
            try {
                standard.setManagedResource(obj, "ObjectReference");
            } catch (InvalidTargetObjectTypeException e) {
                throw new JMException(e.getMessage());
            }
            obj = custom;
        }
        RequiredModelMBean mbean = new MixinRequiredModelMBean(info, mask != null && mask, standardInfo, standard);
        try {
            mbean.setManagedResource(obj, "ObjectReference");
        } catch (InvalidTargetObjectTypeException e) {
            throw new JMException(e.getMessage());
        }
        if (obj instanceof NotificationSenderAware aware) {
            aware.setNotificationSender(new NotificationSenderAdapter(mbean));
        }
        return mbean;
    }

    private ModelMBeanInfo info(Object managed, Object custom, ObjectName name) throws JMException {
        List<Class<?>> key = custom == null ? List.of(managed.getClass()) : List.of(managed.getClass(), custom.getClass());
        ModelMBeanInfo info = infos.get(key);
        if (info == null) {
            info = assembler.getMBeanInfo(camel, managed, custom, name.toString());
            if (info != null) {
                infos.put(key, info);
            }
        }
        return info;
    }

    @Override
    protected void doStart() {
        assembler.start();
    }

    @Override
    protected void doStop() {
        assembler.stop();
        infos.clear();
    }
}
